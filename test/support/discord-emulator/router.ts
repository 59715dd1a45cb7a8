/** A tiny path-pattern router, plus the context every REST route handler receives. */
import type { ResolvedConfig } from './config.ts';
import type { Gateway } from './gateway.ts';
import type { UploadedFile } from './messages.ts';
import type { Recorder } from './recorder.ts';
import type { EmulatorState } from './state.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface EmulatorContext {
  config: ResolvedConfig;
  state: EmulatorState;
  gateway: Gateway;
  recorder: Recorder;
  gatewayUrl: () => string;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

export interface RouteResponse {
  status: number;
  body?: unknown;
}

export interface Route {
  method: HttpMethod;
  pattern: string;
  /** Interaction callbacks and interaction webhooks are authorised by their token in the URL, not a header. */
  auth: 'bot' | 'none';
  handle: (request: RouteRequest, context: EmulatorContext) => RouteResponse | Promise<RouteResponse>;
}

export function route(
  method: HttpMethod,
  pattern: string,
  handle: Route['handle'],
  options: { auth?: Route['auth'] } = {},
): Route {
  return { method, pattern, handle, auth: options.auth ?? 'bot' };
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export type RouteLookup =
  | { kind: 'found'; match: RouteMatch }
  | { kind: 'wrong-method' }
  | { kind: 'not-found' };

export class Router {
  constructor(private readonly routes: readonly Route[]) {}

  lookup(method: string, path: string): RouteLookup {
    const segments = splitPath(path);
    let best: (RouteMatch & { literals: number }) | null = null;
    let pathMatched = false;
    for (const candidate of this.routes) {
      const params = matchPattern(splitPath(candidate.pattern), segments);
      if (!params) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      // `/messages/pins` must win over `/messages/:messageId`: prefer the most literal segments.
      const literals = splitPath(candidate.pattern).filter((segment) => !segment.startsWith(':')).length;
      if (!best || literals > best.literals) best = { route: candidate, params, literals };
    }
    if (best) return { kind: 'found', match: { route: best.route, params: best.params } };
    return pathMatched ? { kind: 'wrong-method' } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeSegment(segment);
    else if (part !== segment) return null;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
