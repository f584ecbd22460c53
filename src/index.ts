/** Tiergate's programmatic surface (POLICY.md §5). */
export { loadPolicy, validatePolicy, POLICY_LIMITS } from './policy/load.js';
export { parsePolicyTests, runPolicyTests } from './policy/policy-tests.js';
export type { CaseResult, PolicyTestFile } from './policy/policy-tests.js';
export { compilePolicy, Engine, Judge } from './policy/engine.js';
export type {
  Authorization,
  Decision,
  DecisionRequest,
  EngineOptions,
  FieldRequest,
  GrantedClause,
} from './policy/engine.js';
export { PolicyError, formatIssue } from './policy/errors.js';
export type { PolicyIssue } from './policy/errors.js';
export { compileCondition } from './policy/condition.js';
export type { Condition, Truth } from './policy/condition.js';
export { applyMask } from './policy/mask.js';
export { policyJsonSchema } from './policy/json-schema.js';
export type { TemporaryGrant } from './policy/grants.js';
export type { Action, FieldState, MaskKind, Policy, Scope } from './policy/schema.js';
export { buildOrg } from './org/org.js';
