import { fail, redirect, type Actions } from '@sveltejs/kit';
import { roomRequestFromForm } from '../../server/lobby/room-form.ts';
import { app } from '$lib/server/app';
import { statusOf } from '$lib/server/refusal-status';

export const actions: Actions = {
  default: async ({ request }) => {
    const form = await request.formData();
    const values = { name: String(form.get('name') ?? ''), public: form.get('public') === 'on', guestLimit: String(form.get('guestLimit') ?? '') };
    const parsed = roomRequestFromForm(form);
    if (!parsed.ok) return fail(400, { error: parsed.reason, values });
    const created = await app().lobby.createRoom(parsed.value);
    if (!created.ok) return fail(statusOf[created.code], { error: created.message, values });
    redirect(303, `/room/${created.slug}`);
  },
};
