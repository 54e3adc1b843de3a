// restify-cors-middleware2 ships no types; this is the part we use.
declare module 'restify-cors-middleware2' {
  import type { RequestHandler } from 'restify';
  interface CorsOptions {
    origins: Array<string | RegExp>;
    allowHeaders?: string[];
    exposeHeaders?: string[];
    preflightMaxAge?: number;
    credentials?: boolean;
  }
  export default function corsMiddleware(options: CorsOptions): { preflight: RequestHandler; actual: RequestHandler };
}
