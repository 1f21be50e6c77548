/** The email channel's protocol adapters: MIME in, replies out, SMTP to send, IMAP to receive. */
export { DEFAULT_PARSE_LIMITS, EmailParseError, parseInboundEmail, trimQuotedText } from './parse'
export type { Automated, EmailAddress, EmailParseErrorCode, InboundAttachment, InboundEmail, ParseLimits } from './parse'
export { composeReply, handoffMessageId, handoffMessageIdToUuid, replySubject, textToHtml, threadKeyFromSubject } from './compose'
export type { ComposedReply, Recipient, ReplyInput } from './compose'
export { createSmtpSender, SmtpError } from './smtp'
export type { MailSecurity, SmtpConfig, SmtpEnvelope, SmtpSendResult, SmtpSender } from './smtp'
export { createImapReader, ImapError } from './imap'
export type { AfterTake, ImapConfig, ImapErrorCode, ImapHealth, ImapReader, ImapReaderEvent, ImapReaderOptions, ImapTestResult, OnMessage } from './imap'
