// Word lists for realistic seed data.
export const FIRST_NAMES = ['Alice', 'Bob', 'Carla', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maria', 'Noah', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wei', 'Xenia', 'Yusuf', 'Zoe', 'Anika', 'Bruno', 'Chloe', 'Diego', 'Elena', 'Felix', 'Giulia', 'Hannah', 'Ivan', 'Julia', 'Karim', 'Lena', 'Marco', 'Nina'];
export const LAST_NAMES = ['Smith', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Kowalski', 'Nguyen', 'Tanaka', 'Silva', 'Johansson', 'Okafor', 'Patel', 'Kim', 'Ivanova', 'Andersen', 'Novak', 'Horvat', 'Costa', 'Schmidt', 'Martin', 'Brown', 'Lopez', 'Wilson', 'Moreau', 'Fischer', 'Jensen', 'Yilmaz', 'Cohen', 'Murphy', 'Santos'];
export const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Massive', 'Northwind', 'Contoso', 'Fabrikam', 'Blue', 'Red', 'Green', 'Quantum', 'Nimbus', 'Vertex', 'Summit', 'Harbor', 'Pioneer', 'Atlas', 'Zenith', 'Orbit', 'Prism'];
export const COMPANY_SUFFIXES = ['Labs', 'Systems', 'Group', 'Industries', 'Partners', 'Logistics', 'Analytics', 'Health', 'Retail', 'Capital', 'Software', 'Foods'];
export const TLDS = ['com', 'io', 'de', 'fr', 'co.uk', 'net', 'es', 'it'];
export const CITIES = ['Berlin', 'Paris', 'London', 'Madrid', 'Rome', 'Lisbon', 'Vienna', 'Warsaw', 'Amsterdam', 'Dublin', 'New York', 'Austin', 'Toronto', 'Tokyo', 'Sydney'];
export const COUNTRIES = ['Germany', 'France', 'United Kingdom', 'Spain', 'Italy', 'Portugal', 'Austria', 'Poland', 'Netherlands', 'Ireland', 'United States', 'Canada', 'Japan', 'Australia'];
export const JOB_TITLES = ['CEO', 'CTO', 'Head of Sales', 'Account Manager', 'Engineer', 'Product Manager', 'Marketing Lead', 'Operations Manager', 'Buyer', 'Analyst'];
export const INDUSTRIES = ['COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'RETAIL', 'MARKETING_AND_ADVERTISING', 'CONSTRUCTION', 'EDUCATION_MANAGEMENT', 'LOGISTICS_AND_SUPPLY_CHAIN'];
export const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
export const DEAL_STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
export const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];
export const TICKET_SUBJECTS = ['Cannot log in', 'Invoice question', 'Feature request: export', 'Sync is slow', 'Wrong address on order', 'Password reset', 'API error 500', 'Refund request'];
export const TASK_SUBJECTS = ['Follow up call', 'Send proposal', 'Prepare demo', 'Check renewal', 'Schedule onboarding', 'Review contract'];
export const TASK_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED'];
