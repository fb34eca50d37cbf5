import type { PageServerLoad } from './$types';
import { app } from '$lib/server/app';

export const load: PageServerLoad = () => ({ rooms: app().registry.publicRooms(), now: app().services.clock.now() });
