/** Raw inbound emails for tests that feed the server's ingest (as a mailbox would). */

/** A multipart email with a short text and the given files as base64 attachments. */
export function emailWithFiles(opts: { messageId: string; files: { name: string; type: string; bytes: Buffer }[]; from?: string }): Buffer {
  const parts = opts.files.flatMap((f) => [
    '--part',
    `Content-Type: ${f.type}; name="${f.name}"`,
    `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`,
    'Content-Transfer-Encoding: base64',
    '',
    f.bytes.toString('base64').replace(/(.{76})/g, '$1\r\n'),
  ])
  return Buffer.from(
    [
      `From: ${opts.from ?? 'Carla Customer <carla@customer.example>'}`,
      'To: support@handoff.example',
      'Subject: The files',
      `Message-ID: ${opts.messageId}`,
      'Content-Type: multipart/mixed; boundary="part"',
      '',
      '--part',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Here they are.',
      ...parts,
      '--part--',
      ''
    ].join('\r\n')
  )
}
