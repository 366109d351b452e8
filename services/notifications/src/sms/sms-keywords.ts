/** What an inbound text asks for: the carriers' standard keywords, or a message for the workspace. */
export type InboundKind = 'stop' | 'start' | 'help' | 'message';

const KEYWORDS: Record<string, InboundKind> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  START: 'start',
  UNSTOP: 'start',
  HELP: 'help',
};

/** A keyword only when it is the whole text, in any case, spaces around it ignored ("Stop " opts out; "stop texting me" is a message). */
export function inboundKind(body: string): InboundKind {
  return KEYWORDS[body.trim().toUpperCase()] ?? 'message';
}
