/** The gateway as the rest of Tiergate uses it: opened from a host and a policy. */
export type { DeniedEvent } from './core/denial.js';
export { InMemoryTotpSecrets, type TotpSecrets } from './core/step-up.js';
export { openGateway, type OpenedGateway, type OpenGatewayOptions } from './http/open.js';
