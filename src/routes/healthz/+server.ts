import { json, type RequestHandler } from '@sveltejs/kit';
import { app } from '$lib/server/app';

/** 200 when the process is up and the database answers a query; 503 otherwise. Public: it says nothing else. */
export const GET: RequestHandler = async () => {
  const database = await app().healthy();
  return json({ status: database ? 'ok' : 'unavailable', database: database ? 'ok' : 'unreachable' }, { status: database ? 200 : 503 });
};
