// Requests whose answers may arrive out of order (typing in a filter or search box, a draft
// being checked): only the answer to the latest request may be shown.

/** Hands out tickets; taking one makes every earlier one stale. */
export class Latest {
  #issued = 0;

  /** A new ticket: a function that says whether it is still the latest taken. */
  take(): () => boolean {
    const mine = ++this.#issued;
    return () => mine === this.#issued;
  }
}
