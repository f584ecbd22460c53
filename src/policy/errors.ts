/** One problem in a policy file: where (`roles.sales-rep.objects.opportunity.read.junior`) and what. */
export interface PolicyIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line in the YAML source, when the file was YAML or JSON text. */
  readonly line?: number;
}

/** Formats an issue as its `path: message` line, with the source line where known. */
export function formatIssue(issue: PolicyIssue): string {
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${issue.path || '(root)'}: ${issue.message}${line}`;
}

/** The policy was rejected, whole; `issues` lists every problem found. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[], options?: { cause?: unknown }) {
    const count = issues.length;
    super(
      `policy rejected: ${count} problem${count === 1 ? '' : 's'}\n` +
        issues.map((issue) => formatIssue(issue)).join('\n'),
      options,
    );
    this.issues = issues;
  }
}

/** Joins a path as docs/policy.md cites it: dots between keys, `[n]` for list items. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}
