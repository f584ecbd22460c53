/**
 * The sandbox serves the same committed Twenty 2.43 metadata schema the gateway checks
 * requests against: one loader, in the host layer.
 */
export { metadataSchema } from '../../host/metadata-schema.js';
export { repositoryRoot as packageRoot } from '../../host/schema-gen/paths.js';
