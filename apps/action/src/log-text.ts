/**
 * Text bound for the runner's log. Much of it comes from elsewhere (the CA's answers, web
 * servers met by the preflight, file names): it is data, not commands. The runner parses
 * every stdout line that starts with `::` as a workflow command, and a terminal obeys
 * escape sequences, so every control, bidi and invisible character is shown escaped by
 * core's `displayText` (the one escaping all front ends share) and the length is capped.
 * (`@actions/core` escapes `%`, CR and LF inside annotations, and also `:` and `,` inside
 * their properties such as `title`, as GitHub's workflow-command syntax documents.)
 */
import { displayText } from '@acmapi/core/text';

/** Longest message written, in characters. */
export const MAX_LOG_TEXT = 4000;

/** One log line: every control character (line breaks included) escaped, so no line of it can be read as a command. */
export function logLine(text: string): string {
  return displayText(text, { maxLength: MAX_LOG_TEXT });
}

/**
 * An annotation's text: line feeds kept (the runner encodes them as `%0A`, so no line of it
 * can start a command), every other control character escaped; at most {@link MAX_LOG_TEXT}
 * characters in all.
 */
export function annotationText(text: string): string {
  const lines = text.split('\n').map((line) => displayText(line, { maxLength: MAX_LOG_TEXT }));
  const joined = lines.join('\n');
  return joined.length > MAX_LOG_TEXT ? displayText(text, { maxLength: MAX_LOG_TEXT }) : joined;
}

/** The runner's log as the lifecycle presenter writes to it (`@actions/core`'s info, warning and error). */
export interface RunnerLogSink {
  info(message: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
}

/**
 * The log every presenter of the Action writes through: messages as {@link logLine} (info)
 * or {@link annotationText} (annotations), titles as {@link logLine}, so no text from a
 * server reaches the runner raw.
 */
export function runnerLog(sink: RunnerLogSink): RunnerLogSink {
  return {
    info: (message) => {
      sink.info(logLine(message));
    },
    warning: (message, title) => {
      sink.warning(annotationText(message), title === undefined ? undefined : logLine(title));
    },
    error: (message, title) => {
      sink.error(annotationText(message), title === undefined ? undefined : logLine(title));
    },
  };
}
