import type { RequestHandler } from '@sveltejs/kit';
import { requireAdmin } from '$lib/server/admin';
import { app } from '$lib/server/app';

/** Prometheus text format; needs the admin token (`Authorization: Bearer <ADMIN_TOKEN>`). */
export const GET: RequestHandler = ({ request, cookies }) => {
  requireAdmin(request, cookies);
  return new Response(app().metrics.render(), { headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } });
};
