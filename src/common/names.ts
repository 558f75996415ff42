// Names as the Temporal server spells them from proto enum names: UPPER_SNAKE to PascalCase
// ("TIMED_OUT" -> "TimedOut", "INVALID_ARGUMENT" -> "InvalidArgument").

export function pascalFromUpperSnake(upperSnake: string): string {
  return upperSnake
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
