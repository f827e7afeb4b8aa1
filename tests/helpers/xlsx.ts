/**
 * Reading an .xlsx download back two ways: as a spreadsheet program would (read-excel-file: each
 * cell's value, typed), and as raw sheet XML, to see how a cell is stored (a string cell, a number
 * cell, a formula). The zip is read with node:zlib from its central directory, so the test trusts
 * nothing of the writer's own code.
 */
import { inflateRawSync } from 'node:zlib';
import readXlsxFile from 'read-excel-file/node';

/** Every file in a zip archive, by name, as text. */
export function unzipText(bytes: Uint8Array): Record<string, string> {
	const buffer = Buffer.from(bytes);
	let end = buffer.length - 22;
	while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
	if (end < 0) throw new Error('Not a zip archive: no end of central directory');
	const count = buffer.readUInt16LE(end + 10);
	let at = buffer.readUInt32LE(end + 16);
	const files: Record<string, string> = {};
	for (let i = 0; i < count; i++) {
		if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error('Broken central directory');
		const method = buffer.readUInt16LE(at + 10);
		const compressedSize = buffer.readUInt32LE(at + 20);
		const nameLength = buffer.readUInt16LE(at + 28);
		const extraLength = buffer.readUInt16LE(at + 30);
		const commentLength = buffer.readUInt16LE(at + 32);
		const localHeader = buffer.readUInt32LE(at + 42);
		const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
		const dataStart = localHeader + 30 + buffer.readUInt16LE(localHeader + 26) + buffer.readUInt16LE(localHeader + 28);
		const data = buffer.subarray(dataStart, dataStart + compressedSize);
		files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
		at += 46 + nameLength + extraLength + commentLength;
	}
	return files;
}

export type XlsxValue = string | number | boolean | Date | null;

/** Each sheet's rows, by sheet name, values typed as the file stores them. */
export async function readWorkbook(bytes: Uint8Array): Promise<Record<string, XlsxValue[][]>> {
	const sheets = await readXlsxFile(Buffer.from(bytes));
	return Object.fromEntries(sheets.map((s) => [s.sheet, s.data as unknown as XlsxValue[][]]));
}

/** A cell as the CSV writes it: numbers as they are, a date as its day, empty for nothing. */
export function asCsvText(value: XlsxValue): string {
	if (value === null) return '';
	if (value instanceof Date) return value.toISOString().slice(0, 10);
	return String(value);
}
