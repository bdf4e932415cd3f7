import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseAddress, parseHost, parsePrefix } from '../../common/ip';

type IpForm = 'host' | 'interface' | 'prefix';
const PARSERS = { host: parseHost, interface: parseAddress, prefix: parsePrefix };

/** An IP value checked with ip-address; the message says what is wrong ("has host bits set; ..."). */
export function IsIp(form: IpForm, options?: ValidationOptions): PropertyDecorator {
  let lastProblem = '';
  return ValidateBy(
    {
      name: `isIp${form}`,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') {
            lastProblem = 'must be a string';
            return false;
          }
          const parsed = PARSERS[form](value);
          lastProblem = typeof parsed === 'string' ? parsed : '';
          return typeof parsed !== 'string';
        },
        defaultMessage: () => `$property ${lastProblem}`,
      },
    },
    options,
  );
}

const LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);

/** A lower-case fully qualified DNS name (LDH labels; IDNs in their xn-- form). */
export function IsHostname(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHostname',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && HOSTNAME.test(value),
        defaultMessage: () =>
          '$property must be a lower-case fully qualified host name such as www.lamdong.gov.vn',
      },
    },
    options,
  );
}

/** Natural keys of units and sites: upper case, digits and `_ . -`. */
export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_.-]{0,63}$/;
export const CODE_MESSAGE =
  '$property must be 1-64 characters: A-Z, 0-9, _ . - (starting with a letter or digit)';
/** Device names: lower-case host-name-like labels. */
export const DEVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;
