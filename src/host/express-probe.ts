/**
 * Which route Twenty's server (Express, as NestJS mounts it) takes for a request target, found
 * by running the target through an Express router whose layers only mark the request. Express's
 * own request prototype is used, so the path is read by parseurl as in a real request; the
 * matching layers run synchronously, so the mark is known when the router returns.
 */
import express, { type Request, type Response } from 'express';

type Marked<T> = Request & { routeMark?: T };

export class RouteProbe<T> {
  readonly #router = express.Router();

  /** `build` mounts the layers on the router; each layer marks the request with `mark`. */
  constructor(
    build: (router: express.Router, mark: (request: Request, routed: T) => void) => void,
  ) {
    build(this.#router, (request, routed) => {
      (request as Marked<T>).routeMark = routed;
    });
  }

  /** The mark the matching layer left, or undefined when no layer was reached. */
  route(method: string, target: string): T | undefined {
    const probe = Object.assign(Object.create(express.request) as Marked<T>, {
      url: target,
      method,
      headers: {},
    });
    this.#router(probe, Object.create(express.response) as Response, () => undefined);
    return probe.routeMark;
  }
}
