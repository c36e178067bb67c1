/**
 * `@acmapi/core/report`: telling operators how runs went, without a person watching — the
 * metrics file for node_exporter's textfile collector (Prometheus text format 0.0.4) and a
 * JSON notification to a webhook (Slack-compatible `text`). The lifecycle's front ends call
 * these after a run; a failure to report is a {@link ReportError} and never changes a certificate.
 *
 * @module @acmapi/core/report
 */
export { METRICS_RESULTS, METRIC_FAMILIES, escapeLabelValue, formatMetrics, writeMetricsFile } from './metrics.js';
export type { CertificateMetrics, MetricsResult } from './metrics.js';
export { NOTIFICATION_KINDS, NOTIFY_DEFAULTS, notificationPayload, sendNotification } from './notify.js';
export type { Notification, NotificationKind, NotificationPayload, SendNotificationOptions } from './notify.js';
export { ReportError, isReportError } from '../errors/errors.js';
export type { ReportErrorCode } from '../errors/errors.js';
