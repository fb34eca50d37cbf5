import { Schema } from 'effect';

/** The server's own address, as the original server spelled it. */
export const GROUND_CONTROL = 'ground control';
/** The address of everyone in the sender's room (chat broadcast). */
export const ROOM = 'room';

/** Client ids are 32 lowercase hex digits, as the original's uuid4().hex. */
export const ClientId = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{32}$/, { message: () => 'Expected a client id (32 lowercase hex digits)' }));
export type ClientId = typeof ClientId.Type;

export const GroundControl = Schema.Literal(GROUND_CONTROL);
export const Room = Schema.Literal(ROOM);
