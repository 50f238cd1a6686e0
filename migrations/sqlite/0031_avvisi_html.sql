-- Notices written as letters (ssr/avvisi): besides the plain text, e-mail and PEC carry an HTML alternative
-- and, for an appointment, its calendar file (RFC 5545). Both nullable: SMS and the messages queued before
-- this migration stay plain text. Like `body`, neither ever holds the OTP, only its placeholder.
ALTER TABLE outbox ADD COLUMN body_html TEXT;
ALTER TABLE outbox ADD COLUMN calendar TEXT;
