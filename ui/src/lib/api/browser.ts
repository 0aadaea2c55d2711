// The program that opens Mercado Libre's pages when one was chosen at launch (`--browser`);
// undefined: the system's browser. Set once from the app's info at start.
let program: string | undefined;

export function setBrowser(chosen: string | null): void {
  program = chosen ?? undefined;
}

export function browser(): string | undefined {
  return program;
}
