import { RECORD_ONLY_EVENTS, acceptsRecordOnly } from '../client/machine.ts';
import type { FoldOptions } from './fold.ts';

export const roomStream = (slug: string) => `room-${slug}`;
export const clientStream = (clientId: string) => `client-${clientId}`;

export const clientFoldOptions: FoldOptions = {
  isRecordOnly: (stateValue, eventType) => RECORD_ONLY_EVENTS.has(eventType as never) && acceptsRecordOnly(stateValue),
};
