/** Facts in a client's stream (`client-<id>`). Relays are metadata only: never SDP, addresses or chat text. */

export interface ClientAdmitted {
  readonly type: 'ClientAdmitted';
  readonly at: number;
  readonly clientId: string;
  readonly room: string;
}

export interface SocketConnected {
  readonly type: 'SocketConnected';
  readonly at: number;
}

export interface SocketDisconnected {
  readonly type: 'SocketDisconnected';
  readonly at: number;
  /** The websocket close code, or 'restart' when the server went away under the socket. */
  readonly cause: number | 'restart';
}

export interface UsernameChanged {
  readonly type: 'UsernameChanged';
  readonly at: number;
  readonly username: string;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay' | 'unknown';

/** A direct message passed to another member of the room. */
export interface MessageRelayed {
  readonly type: 'MessageRelayed';
  readonly at: number;
  readonly messageType: 'offer' | 'answer' | 'icecandidate' | 'text' | 'bye';
  readonly to: string;
  /** Size of the relayed frame in bytes. */
  readonly bytes: number;
  /** For icecandidate: the candidate's type; null otherwise. */
  readonly candidateType: CandidateType | null;
}

/** A chat message sent to the whole room. */
export interface ChatBroadcast {
  readonly type: 'ChatBroadcast';
  readonly at: number;
  readonly bytes: number;
  readonly recipients: number;
}

export interface ClientSaidBye {
  readonly type: 'ClientSaidBye';
  readonly at: number;
}

/** The socket never opened within the connect timeout after admission. */
export const CONNECT_TIMEOUT_EXPIRED = 'xstate.after.connectTimeout.client.admitted';
/** The socket closed and did not come back within the grace time. */
export const RECONNECT_GRACE_EXPIRED = 'xstate.after.reconnectGrace.client.disconnected';

export interface ConnectTimeoutExpired {
  readonly type: typeof CONNECT_TIMEOUT_EXPIRED;
  readonly at: number;
}
export interface ReconnectGraceExpired {
  readonly type: typeof RECONNECT_GRACE_EXPIRED;
  readonly at: number;
}

export type ClientEvent =
  | ClientAdmitted
  | SocketConnected
  | SocketDisconnected
  | UsernameChanged
  | MessageRelayed
  | ChatBroadcast
  | ClientSaidBye
  | ConnectTimeoutExpired
  | ReconnectGraceExpired;
