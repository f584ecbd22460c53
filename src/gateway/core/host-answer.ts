/** What the host answered: its status and its JSON body. */
export interface HostAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The host's answer headers a client may see (set-cookie, caching…); none for a refusal. */
  readonly headers?: Readonly<Record<string, string | string[]>>;
}
