// View models of the connect flow; the shell's connect commands fill them.

/** A Mercado Libre site: its API id and the ISO country code used to name it in any language. */
export interface SiteOption {
  id: string;
  /** ISO 3166 alpha-2, or null for Global Selling. */
  country: string | null;
}

export interface ConnectRequest {
  site: string;
  clientId: string;
  clientSecret: string;
  /** The seller's hosted relay page, exactly as registered. */
  redirectUri: string;
}

export type ConnectPhase =
  | { kind: "idle" }
  | { kind: "waiting"; authorizationUrl: string }
  | { kind: "exchanging" }
  | { kind: "failed"; code: string; message: string };
