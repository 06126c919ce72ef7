import { describe, expect, it } from 'vitest';
import { limits, offer } from './fixtures';
import { validateBirthDate, validateTicketing } from './validate';

describe('a ticket offer as the host types it', () => {
  it('takes a price in major units and a count, in minor units', () => {
    expect(validateTicketing({ price: '12.50', count: '20' }, limits)).toEqual({
      errors: {},
      value: { price_minor: 1250, count: 20 },
    });
    expect(validateTicketing({ price: '1', count: '5' }, limits).value).toEqual({
      price_minor: 100,
      count: 5,
    });
    expect(validateTicketing({ price: '999,00', count: '100' }, limits).value).toEqual({
      price_minor: 99_900,
      count: 100,
    });
  });

  it('says what is missing or not a number', () => {
    const { errors, value } = validateTicketing({ price: '', count: '' }, limits);
    expect(value).toBeNull();
    expect(errors).toEqual({
      price: 'Set a price.',
      count: 'Set how many tickets to sell.',
    });
    expect(validateTicketing({ price: 'ten', count: '2.5' }, limits).errors).toEqual({
      price: 'Write the price as a number, like 12.50.',
      count: 'Write the number of tickets as a whole number.',
    });
    expect(validateTicketing({ price: '1.999', count: '10' }, limits).errors.price).toBe(
      'Write the price as a number, like 12.50.',
    );
  });

  it('keeps to the instance’s limits, said in money', () => {
    expect(validateTicketing({ price: '0.99', count: '4' }, limits).errors).toEqual({
      price: 'The price must be from $1.00 to $999.00.',
      count: 'Sell from 5 to 100 tickets.',
    });
    expect(validateTicketing({ price: '999.01', count: '101' }, limits).errors).toEqual({
      price: 'The price must be from $1.00 to $999.00.',
      count: 'Sell from 5 to 100 tickets.',
    });
  });

  it('after the first sale: the price is fixed and the count only grows', () => {
    const sold = offer({ sold: 3, count: 20, left: 17 });
    expect(validateTicketing({ price: '12.50', count: '30' }, limits, sold).value).toEqual({
      price_minor: 1250,
      count: 30,
    });
    expect(validateTicketing({ price: '15', count: '20' }, limits, sold).errors).toEqual({
      price: 'The price cannot change after the first sale.',
    });
    expect(validateTicketing({ price: '12.50', count: '19' }, limits, sold).errors).toEqual({
      count: 'Tickets were sold: you can only add tickets (at least 20).',
    });
    // Before any sale both change freely, the count down too.
    expect(
      validateTicketing({ price: '15', count: '10' }, limits, offer({ count: 20 })).value,
    ).toEqual({ price_minor: 1500, count: 10 });
  });
});

describe('the seller’s date of birth', () => {
  const today = new Date(2026, 5, 15); // 15 June 2026, local time

  it('accepts 18 from the 18th birthday on', () => {
    expect(validateBirthDate('2008-06-15', today)).toBeNull();
    expect(validateBirthDate('1970-01-01', today)).toBeNull();
    expect(validateBirthDate('2008-06-16', today)).toBe('You must be 18 or older to sell tickets.');
    expect(validateBirthDate('2010-01-01', today)).toBe('You must be 18 or older to sell tickets.');
  });

  it('refuses a date that is missing, impossible or in the future', () => {
    expect(validateBirthDate('', today)).toBe('Give your date of birth.');
    expect(validateBirthDate('2001-02-29', today)).toBe('That date does not exist.');
    expect(validateBirthDate('2001-13-01', today)).toBe('That date does not exist.');
    expect(validateBirthDate('2027-01-01', today)).toBe('That date is in the future.');
  });

  it('counts a 29 February birthday on 1 March in other years', () => {
    expect(validateBirthDate('2008-02-29', new Date(2026, 1, 28))).toBe(
      'You must be 18 or older to sell tickets.',
    );
    expect(validateBirthDate('2008-02-29', new Date(2026, 2, 1))).toBeNull();
  });
});
