/** How a person's name is shown to people and written in emails: "first last". */
export interface PersonName {
  firstName: string;
  lastName: string;
}

export function fullName(person: PersonName): string {
  return `${person.firstName} ${person.lastName}`;
}
