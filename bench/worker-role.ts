/**
 * The servers an HTTP benchmark loads run in worker threads of the benchmark's own module, so
 * the load generator in the main thread does not compete with them for the event loop. This
 * starts the worker's part when the module is loaded as that worker, and reports a failure to
 * start as the `failed` message both benchmarks understand.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export function serveIfWorker(role: string, serve: (target: never) => Promise<void>): void {
  const input = workerData as { readonly role?: unknown; readonly target?: unknown } | null;
  if (isMainThread || input?.role !== role) return;
  // The main thread built this worker's input for this role, with the target `serve` takes.
  serve(input.target as never).catch((error: unknown) => {
    parentPort?.postMessage({ type: 'failed', error: String(error) });
  });
}
