import nodemailer from 'nodemailer';
import type { EmailConfig } from '../email-config.js';
import type { EmailSender } from '../services/email-ports.js';

/** Our answers over SMTP (nodemailer): port 465 is TLS from the start, others STARTTLS when offered. */
export function createSmtpSender(config: EmailConfig['smtp'], timeoutMs = 30_000): EmailSender & { close(): void } {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.port === 465,
    ...(config.user && config.password ? { auth: { user: config.user, pass: config.password } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.messageId}>`,
        inReplyTo: `<${mail.inReplyTo}>`,
        references: mail.references.map((r) => `<${r}>`),
        // RFC 3834: an answer made by a program, so vacation responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-replied' },
        });
        return 'sent';
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500 && code < 600) return 'refused';
        throw err;
      }
    },
    close: () => transport.close(),
  };
}
