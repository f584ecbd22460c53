/**
 * The words a refusal ends with: what a member may do next, in plain terms. They name no
 * policy path, role, tier or member, so they tell nobody how the policy is built; the reasons
 * in the policy's terms go to the journal beside them (Denial.audit).
 */
export const NEXT_STEP =
  'work with records you can open in Twenty, or ask a workspace admin for access';
