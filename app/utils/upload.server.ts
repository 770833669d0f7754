/**
 * Reads one uploaded file from a multipart form post. The body's size is bounded before it is
 * read, by the upload's own limit in the server's body limit (app/http/body-limit.server.ts,
 * which lists the pages that take files); the file's size is checked again after reading.
 */
export type Upload = { ok: true; bytes: Uint8Array; fields: FormData } | { ok: false; problem: string };

export async function readUpload(request: Request, field: string, maxBytes: number): Promise<Upload> {
  const tooBig = `The file is larger than ${Math.round((maxBytes / (1024 * 1024)) * 10) / 10} MB, which is more than we can take in one go. Please split it and upload each part.`;
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, problem: "The upload did not arrive complete. Please try again." };
  }
  const file = form.get(field);
  if (!file || typeof file === "string" || file.size === 0) return { ok: false, problem: "Choose a file to upload." };
  if (file.size > maxBytes) return { ok: false, problem: tooBig };
  return { ok: true, bytes: new Uint8Array(await file.arrayBuffer()), fields: form };
}
