/**
 * The container's health check (Dockerfile HEALTHCHECK): exits 0 when the service on this machine
 * answers GET /healthz within 3 s, else 1 with one line saying what happened. Liveness only: while
 * PostgreSQL is away the service is alive and reconnects by itself, so /readyz (which then says 503)
 * is for the load balancer, not for restarting the container.
 */
const port = process.env['PORT'] || '3978';
const url = `http://127.0.0.1:${port}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`answered ${res.status}`);
  process.exit(0);
} catch (err) {
  console.error(`unhealthy: ${url} ${(err as Error).message}`);
  process.exit(1);
}
