// Signaling payloads that look like Chromium's, with distinctive values a test can search the logs for.

/** A Chromium-like offer/answer SDP with distinctive values. */
export function fakeSdp(kind: 'offer' | 'answer', tag: string): string {
  const session = String(4_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15)));
  return [
    'v=0',
    `o=- ${session} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${tag.slice(0, 8)}`,
    `a=ice-pwd:${kind}pwd${tag}0123456789abcdef`,
    `a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:${kind === 'offer' ? '08' : '09'}`,
    `a=setup:${kind === 'offer' ? 'actpass' : 'active'}`,
    'a=mid:0',
    'a=rtpmap:111 opus/48000/2',
    '',
  ].join('\r\n');
}

/** A Chromium-like host candidate. */
export function fakeCandidate(tag: number): { candidate: string; sdpMid: string; sdpMLineIndex: number; usernameFragment: string } {
  return {
    candidate: `candidate:${3885250869 + tag} 1 udp 2122260223 192.168.77.${(tag % 250) + 1} ${50000 + tag} typ host generation 0 ufrag zxcv network-id 1`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'zxcv',
  };
}
