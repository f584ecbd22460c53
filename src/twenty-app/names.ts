/**
 * Names Tiergate gives what it creates in a workspace and where the add-on answers Twenty, which
 * sync, the event pipeline and the gateway must agree on.
 */

/**
 * The helper field behind the team scopes: Tiergate writes it, so no member may. It stays
 * readable because row-level predicates filter on it (UNVERIFIED whether Twenty filters on a
 * field the role cannot read); it says who else may see the record.
 */
export const HELPER_FIELD = 'tiergateViewers';

/** The API key install creates for the add-on; the worker knows Tiergate's own writes by it. */
export const APP_KEY_NAME = 'Tiergate add-on';

/** Where the add-on receives Twenty's webhooks (the manifest's webhook target). */
export const WEBHOOK_PATH = '/webhooks/twenty';

/** Where the add-on answers for one record id (GET <path>/<id>), beside /metrics. */
export const DELIVERIES_PATH = '/metrics/deliveries';
