/**
 * Error shapes of the Twitter API v2, which clients written for it parse:
 * problems (`title`, `detail`, `type`) for a request that fails as a whole,
 * and `errors` entries beside `data` for ids that were not found.
 */

const PROBLEMS = 'https://api.twitter.com/2/problems';

/** A whole request refused; `body` is sent as is with `status`. */
export class TwitterProblem extends Error {
  override readonly name = 'TwitterProblem';
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['detail'] ?? body['title']));
  }

  static unauthorized(): TwitterProblem {
    return new TwitterProblem(401, {
      title: 'Unauthorized',
      type: 'about:blank',
      status: 401,
      detail: 'Unauthorized',
    });
  }

  static forbidden(detail = 'Forbidden'): TwitterProblem {
    return new TwitterProblem(403, {
      title: 'Forbidden',
      type: 'about:blank',
      status: 403,
      detail,
    });
  }

  static invalid(errors: ParameterError[]): TwitterProblem {
    return new TwitterProblem(400, {
      errors,
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}/invalid-request`,
    });
  }

  static notFoundRoute(): TwitterProblem {
    return new TwitterProblem(404, {
      errors: [{ message: 'Sorry, that page does not exist', code: 34 }],
    });
  }

  static tooManyRequests(): TwitterProblem {
    return new TwitterProblem(429, {
      title: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
      detail: 'Too Many Requests',
    });
  }

  static internal(): TwitterProblem {
    return new TwitterProblem(500, {
      title: 'Internal Server Error',
      type: 'about:blank',
      status: 500,
      detail: 'Internal Server Error',
    });
  }
}

export interface ParameterError {
  parameters: Record<string, string[]>;
  message: string;
}

export function parameterError(name: string, values: string[], message: string): ParameterError {
  return { parameters: { [name]: values }, message };
}

export interface ResourceError {
  value: string;
  detail: string;
  title: 'Not Found Error';
  resource_type: string;
  parameter: string;
  resource_id: string;
  type: string;
}

export function notFound(
  resourceType: 'space' | 'user',
  parameter: string,
  id: string,
): ResourceError {
  return {
    value: id,
    detail: `Could not find ${resourceType} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: id,
    type: `${PROBLEMS}/resource-not-found`,
  };
}
