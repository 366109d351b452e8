import { ApiError, toApiError } from './api-error';
import { getAccessToken } from './session';

/**
 * POSTs a multipart form with XMLHttpRequest, whose upload events (unlike fetch's) report
 * progress, so a large import shows a moving bar. Resolves with the JSON answer.
 */
export function uploadWithProgress<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    const token = getAccessToken();
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onerror = () => reject(new ApiError(0, 'network_error', 'The upload did not reach the server.'));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(toApiError(body, new Response(null, { status: request.status })));
    };
    request.send(form);
  });
}
