import { error, type Handle } from '@sveltejs/kit';

export const handle: Handle = async ({ event, resolve }) => {
  // The original client builds its websocket URL from the page path, so /room/x/ must not be a room page.
  if (/^\/room\/[^/]+\/$/.test(event.url.pathname)) error(404, 'Not found');
  const response = await resolve(event);
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'same-origin');
  return response;
};
