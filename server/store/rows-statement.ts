/**
 * The text of `head VALUES (…),(…) tail` for any number of rows up to `maxRows`, each of `width`
 * parameters. `sql.insert` rebuilds that text, and a row object per row, on every append; here the
 * longest VALUES list is built once and a statement for n rows takes its first n rows, whose
 * placeholders are numbered 1 to n × width as PostgreSQL's must be.
 */
export const rowsStatement = (head: string, width: number, tail: string, maxRows: number, placeholder: (index: number) => string) => {
  let values = '';
  const ends = new Array<number>(maxRows + 1);
  ends[0] = 0;
  for (let row = 0; row < maxRows; row++) {
    const slots = Array.from({ length: width }, (_, column) => placeholder(row * width + column + 1));
    values += `${row === 0 ? '' : ','}(${slots.join(',')})`;
    ends[row + 1] = values.length;
  }
  return (rows: number): string => `${head} VALUES ${values.slice(0, ends[rows])} ${tail}`;
};
