/** The few types the tests use of parse-prometheus-text-format (it ships none), after its README. */
declare module 'parse-prometheus-text-format' {
  /** One sample of a gauge, counter or untyped family: its value as written, and its labels unescaped. */
  export interface ParsedSample {
    value: string;
    labels?: Record<string, string>;
  }
  /** One metric family. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: 'GAUGE' | 'COUNTER' | 'UNTYPED' | 'SUMMARY' | 'HISTOGRAM';
    metrics: ParsedSample[];
  }
  /** Parses the Prometheus text format 0.0.4; throws on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
