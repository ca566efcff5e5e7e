/*
 * holidays_table.c - England & Wales bank holidays, generated from
 * data/bank-holidays.json by scripts/gen-holidays.sh.  Do not edit:
 * change the data and run the script again.
 */
#include "holidays_table.h"

const struct holidays_table_entry holidays_table[] = {
	{ 17532, "New Year\342\200\231s Day" },	/* 2018-01-01 */
	{ 17620, "Good Friday" },	/* 2018-03-30 */
	{ 17623, "Easter Monday" },	/* 2018-04-02 */
	{ 17658, "Early May bank holiday" },	/* 2018-05-07 */
	{ 17679, "Spring bank holiday" },	/* 2018-05-28 */
	{ 17770, "Summer bank holiday" },	/* 2018-08-27 */
	{ 17890, "Christmas Day" },	/* 2018-12-25 */
	{ 17891, "Boxing Day" },	/* 2018-12-26 */
	{ 17897, "New Year\342\200\231s Day" },	/* 2019-01-01 */
	{ 18005, "Good Friday" },	/* 2019-04-19 */
	{ 18008, "Easter Monday" },	/* 2019-04-22 */
	{ 18022, "Early May bank holiday" },	/* 2019-05-06 */
	{ 18043, "Spring bank holiday" },	/* 2019-05-27 */
	{ 18134, "Summer bank holiday" },	/* 2019-08-26 */
	{ 18255, "Christmas Day" },	/* 2019-12-25 */
	{ 18256, "Boxing Day" },	/* 2019-12-26 */
	{ 18262, "New Year\342\200\231s Day" },	/* 2020-01-01 */
	{ 18362, "Good Friday" },	/* 2020-04-10 */
	{ 18365, "Easter Monday" },	/* 2020-04-13 */
	{ 18390, "Early May bank holiday" },	/* 2020-05-08 */
	{ 18407, "Spring bank holiday" },	/* 2020-05-25 */
	{ 18505, "Summer bank holiday" },	/* 2020-08-31 */
	{ 18621, "Christmas Day" },	/* 2020-12-25 */
	{ 18624, "Boxing Day" },	/* 2020-12-28 */
	{ 18628, "New Year\342\200\231s Day" },	/* 2021-01-01 */
	{ 18719, "Good Friday" },	/* 2021-04-02 */
	{ 18722, "Easter Monday" },	/* 2021-04-05 */
	{ 18750, "Early May bank holiday" },	/* 2021-05-03 */
	{ 18778, "Spring bank holiday" },	/* 2021-05-31 */
	{ 18869, "Summer bank holiday" },	/* 2021-08-30 */
	{ 18988, "Christmas Day" },	/* 2021-12-27 */
	{ 18989, "Boxing Day" },	/* 2021-12-28 */
	{ 18995, "New Year\342\200\231s Day" },	/* 2022-01-03 */
	{ 19097, "Good Friday" },	/* 2022-04-15 */
	{ 19100, "Easter Monday" },	/* 2022-04-18 */
	{ 19114, "Early May bank holiday" },	/* 2022-05-02 */
	{ 19145, "Spring bank holiday" },	/* 2022-06-02 */
	{ 19146, "Platinum Jubilee bank holiday" },	/* 2022-06-03 */
	{ 19233, "Summer bank holiday" },	/* 2022-08-29 */
	{ 19254, "Bank Holiday for the State Funeral of Queen Elizabeth II" },	/* 2022-09-19 */
	{ 19352, "Boxing Day" },	/* 2022-12-26 */
	{ 19353, "Christmas Day" },	/* 2022-12-27 */
	{ 19359, "New Year\342\200\231s Day" },	/* 2023-01-02 */
	{ 19454, "Good Friday" },	/* 2023-04-07 */
	{ 19457, "Easter Monday" },	/* 2023-04-10 */
	{ 19478, "Early May bank holiday" },	/* 2023-05-01 */
	{ 19485, "Bank holiday for the coronation of King Charles III" },	/* 2023-05-08 */
	{ 19506, "Spring bank holiday" },	/* 2023-05-29 */
	{ 19597, "Summer bank holiday" },	/* 2023-08-28 */
	{ 19716, "Christmas Day" },	/* 2023-12-25 */
	{ 19717, "Boxing Day" },	/* 2023-12-26 */
	{ 19723, "New Year\342\200\231s Day" },	/* 2024-01-01 */
	{ 19811, "Good Friday" },	/* 2024-03-29 */
	{ 19814, "Easter Monday" },	/* 2024-04-01 */
	{ 19849, "Early May bank holiday" },	/* 2024-05-06 */
	{ 19870, "Spring bank holiday" },	/* 2024-05-27 */
	{ 19961, "Summer bank holiday" },	/* 2024-08-26 */
	{ 20082, "Christmas Day" },	/* 2024-12-25 */
	{ 20083, "Boxing Day" },	/* 2024-12-26 */
	{ 20089, "New Year\342\200\231s Day" },	/* 2025-01-01 */
	{ 20196, "Good Friday" },	/* 2025-04-18 */
	{ 20199, "Easter Monday" },	/* 2025-04-21 */
	{ 20213, "Early May bank holiday" },	/* 2025-05-05 */
	{ 20234, "Spring bank holiday" },	/* 2025-05-26 */
	{ 20325, "Summer bank holiday" },	/* 2025-08-25 */
	{ 20447, "Christmas Day" },	/* 2025-12-25 */
	{ 20448, "Boxing Day" },	/* 2025-12-26 */
	{ 20454, "New Year\342\200\231s Day" },	/* 2026-01-01 */
	{ 20546, "Good Friday" },	/* 2026-04-03 */
	{ 20549, "Easter Monday" },	/* 2026-04-06 */
	{ 20577, "Early May bank holiday" },	/* 2026-05-04 */
	{ 20598, "Spring bank holiday" },	/* 2026-05-25 */
	{ 20696, "Summer bank holiday" },	/* 2026-08-31 */
	{ 20812, "Christmas Day" },	/* 2026-12-25 */
	{ 20815, "Boxing Day" },	/* 2026-12-28 */
	{ 20819, "New Year\342\200\231s Day" },	/* 2027-01-01 */
	{ 20903, "Good Friday" },	/* 2027-03-26 */
	{ 20906, "Easter Monday" },	/* 2027-03-29 */
	{ 20941, "Early May bank holiday" },	/* 2027-05-03 */
	{ 20969, "Spring bank holiday" },	/* 2027-05-31 */
	{ 21060, "Summer bank holiday" },	/* 2027-08-30 */
	{ 21179, "Christmas Day" },	/* 2027-12-27 */
	{ 21180, "Boxing Day" },	/* 2027-12-28 */
	{ 21186, "New Year\342\200\231s Day" },	/* 2028-01-03 */
	{ 21288, "Good Friday" },	/* 2028-04-14 */
	{ 21291, "Easter Monday" },	/* 2028-04-17 */
	{ 21305, "Early May bank holiday" },	/* 2028-05-01 */
	{ 21333, "Spring bank holiday" },	/* 2028-05-29 */
	{ 21424, "Summer bank holiday" },	/* 2028-08-28 */
	{ 21543, "Christmas Day" },	/* 2028-12-25 */
	{ 21544, "Boxing Day" },	/* 2028-12-26 */
	{ 21550, "New Year\342\200\231s Day" },	/* 2029-01-01 */
	{ 21638, "Good Friday" },	/* 2029-03-30 */
	{ 21641, "Easter Monday" },	/* 2029-04-02 */
	{ 21676, "Early May bank holiday" },	/* 2029-05-07 */
	{ 21697, "Spring bank holiday" },	/* 2029-05-28 */
	{ 21788, "Summer bank holiday" },	/* 2029-08-27 */
	{ 21908, "Christmas Day" },	/* 2029-12-25 */
	{ 21909, "Boxing Day" },	/* 2029-12-26 */
	{ 21915, "New Year\342\200\231s Day" },	/* 2030-01-01 */
	{ 22023, "Good Friday" },	/* 2030-04-19 */
	{ 22026, "Easter Monday" },	/* 2030-04-22 */
	{ 22040, "Early May bank holiday" },	/* 2030-05-06 */
	{ 22061, "Spring bank holiday" },	/* 2030-05-27 */
	{ 22152, "Summer bank holiday" },	/* 2030-08-26 */
	{ 22273, "Christmas Day" },	/* 2030-12-25 */
	{ 22274, "Boxing Day" },	/* 2030-12-26 */
};

const size_t holidays_table_len = 107;
