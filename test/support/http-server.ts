import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small web server on 127.0.0.1 for import tests: pages, feeds and misbehaving answers
 * (errors, redirects, a server that never answers, an endless body). Loopback only.
 */
export type Route =
  | { status?: number; type?: string; body: string | Buffer; headers?: Record<string, string> }
  | { redirect: string }
  /** Accepts the request and never answers. */
  | { hang: true }
  /** Streams this many bytes without a Content-Length. */
  | { stream: number; type: string }
  /** Decides per request (e.g. 304 for a matching If-None-Match). */
  | { dynamic: (req: http.IncomingMessage) => Route };

/** One request as the server saw it, with the headers a polite client sends. */
export interface LoggedRequest {
  at: string;
  path: string;
  userAgent: string | undefined;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  /** The status answered; undefined while it hangs. */
  status?: number;
}

export interface TestWebServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  url(path: string): string;
  routes: Map<string, Route>;
  /** Paths requested, in order. */
  requests: string[];
  /** Every request with its conditional headers and the status answered, in order. */
  log: LoggedRequest[];
  stop(): Promise<void>;
}

export async function startTestWebServer(routes: Record<string, Route> = {}): Promise<TestWebServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const log: LoggedRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const entry: LoggedRequest = {
      at: new Date().toISOString(),
      path,
      userAgent: req.headers['user-agent'],
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
    };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    let route = table.get(path);
    if (route && 'dynamic' in route) route = route.dynamic(req);
    if (!route || 'dynamic' in route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if ('redirect' in route) {
      res.writeHead(302, { location: route.redirect }).end();
    } else if ('hang' in route) {
      // never answers; the client's time limit must end it
    } else if ('stream' in route) {
      res.writeHead(200, { 'content-type': route.type });
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const write = () => {
        while (sent < route.stream) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    } else {
      res.writeHead(route.status ?? 200, { ...(route.type ? { 'content-type': route.type } : {}), ...route.headers });
      res.end(route.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    routes: table,
    requests,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A news article page with the usual metadata and some page furniture around the text. */
export function articlePage(a: { title: string; paragraphs: string[]; date?: string; canonical?: string; author?: string; site?: string }): string {
  const meta = [
    a.date ? `<meta property="article:published_time" content="${a.date}">` : '',
    a.canonical ? `<link rel="canonical" href="${a.canonical}">` : '',
    a.author ? `<meta name="author" content="${a.author}">` : '',
    a.site ? `<meta property="og:site_name" content="${a.site}">` : '',
  ].join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${a.title} | ${a.site ?? 'News'}</title>
<meta property="og:title" content="${a.title}">${meta}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>${a.title}</h1>${a.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></main>
<aside><h2>Most read</h2><ul><li><a href="/x">Something else</a></li></ul></aside>
<footer>© ${a.site ?? 'News'} 2025</footer></body></html>`;
}
