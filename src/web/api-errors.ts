/** The one error shape of the JSON API: `{"errors":[{"code":"...","message":"..."}]}`. */
export interface ApiErrorBody {
  errors: { code: string; message: string }[];
}

export function apiError(code: string, message: string): ApiErrorBody {
  return { errors: [{ code, message }] };
}
