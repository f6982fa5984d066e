// Exact-path routing for the device's few endpoints: a GET never changes state; POST routes are the only ones
// that do, and the server puts its authentication and CSRF checks in front of them (server.ts).
import { HttpRequest, HttpResponse } from '../hal/types';
import { pathOf, sendError } from './http';

export type Handler = (req: HttpRequest, res: HttpResponse) => void;

interface Route {
  method: string;
  path: string;
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];
  private fallback: Handler | null = null;

  add(method: 'GET' | 'POST', path: string, handler: Handler): void {
    this.routes.push({ method, path, handler });
  }

  /** GETs no route matched (static files). */
  otherwise(handler: Handler): void {
    this.fallback = handler;
  }

  handle(req: HttpRequest, res: HttpResponse): void {
    const path = pathOf(req.url);
    let pathKnown = false;
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i] as Route;
      if (r.path !== path) continue;
      if (r.method === req.method) {
        r.handler(req, res);
        return;
      }
      pathKnown = true;
    }
    if (pathKnown) sendError(res, 405, 'method not allowed');
    else if (req.method === 'GET' && this.fallback) this.fallback(req, res);
    else sendError(res, 404, 'not found');
  }
}
