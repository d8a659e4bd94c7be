import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A CSV file streamed as an attachment, never cached, its header row announced (the files of adapters/csv/csv-write.ts). */
export function sendCsv(reply: FastifyReply, filename: string, lines: AsyncIterable<string>): FastifyReply {
  return reply
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .type('text/csv; charset=utf-8; header=present')
    .send(Readable.from(lines));
}
