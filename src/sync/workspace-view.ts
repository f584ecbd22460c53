/**
 * What the add-on's event pipeline needs to know of the workspace at start: the org as the host
 * holds it, the data model, who views what, and which governed objects the sweep reads.
 */
import type { DataModelSnapshot } from '../host/data-model.js';
import type { Host } from '../host/host.js';
import type { Policy } from '../policy/schema.js';
import { pullOrg, type OrgProblem } from '../twenty-app/host-org.js';
import { ViewerIndex } from '../twenty-app/viewers.js';
import { compileHostState, governedObjectNames } from './compile.js';
import { rlsEntitled } from './session.js';

export interface WorkspaceView {
  /** The policy with its org as the host holds it (member ids are workspace member ids). */
  readonly policy: Policy;
  readonly orgProblems: readonly OrgProblem[];
  readonly model: DataModelSnapshot;
  readonly viewers: ViewerIndex;
  /** The objects the policy governs that the host has and takes permissions on. */
  readonly objects: readonly string[];
}

/** Reads the org, the data model and the entitlement once; a change takes a new reading. */
export async function readWorkspaceView(host: Host, policy: Policy): Promise<WorkspaceView> {
  const [org, model, rls] = await Promise.all([
    pullOrg(host, policy),
    host.dataModel.get(),
    rlsEntitled(host.metadata),
  ]);
  const compiled = compileHostState(org.policy, model, { rlsEntitled: rls });
  const objects = governedObjectNames(org.policy).filter(
    (name) => model.object(name) !== undefined && model.object(name)?.isSystem !== true,
  );
  return {
    policy: org.policy,
    orgProblems: org.problems,
    model,
    viewers: new ViewerIndex(org.policy, compiled.viewerScopes),
    objects,
  };
}
