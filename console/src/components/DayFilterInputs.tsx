import { TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { FilterIssueAt } from './RecordList';

/** The API's issues about a list's day filters by input, each asked for by the query parameter its input fills. */
export function dayFilterIssues<Field extends string>(parameters: Record<Field, string>, issueAt: FilterIssueAt): Partial<Record<Field, string>> {
  return Object.fromEntries(Object.entries<string>(parameters).map(([field, parameter]) => [field, issueAt(parameter)])) as Partial<Record<Field, string>>;
}

/**
 * A list's day filters (created from, due to…): a labelled date input each. The page turns a picked
 * day into the instants it spans (lib/list-filters.ts).
 */
export function DayFilterInputs<Field extends string>({
  fields,
  values,
  onChange,
  errors,
  disabled,
  w = 160,
}: {
  /** Each filter and its label, in the order shown. */
  fields: ReadonlyArray<readonly [Field, string]>;
  values: Record<Field, string>;
  onChange: (changes: Partial<Record<Field, string>>) => void;
  errors?: Partial<Record<Field, ReactNode>>;
  disabled?: boolean;
  w?: number;
}) {
  return (
    <>
      {fields.map(([field, label]) => (
        <TextInput
          key={field}
          type="date"
          label={label}
          value={values[field]}
          onChange={(event) => onChange({ [field]: event.currentTarget.value } as Partial<Record<Field, string>>)}
          error={errors?.[field]}
          disabled={disabled}
          w={w}
        />
      ))}
    </>
  );
}
