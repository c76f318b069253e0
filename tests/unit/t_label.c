/* t_label.c - unit tests for a run's label items (analyzer/model/label.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "label.h"
#include "tap.h"

/* The items of list, as "K=V;" each, into buf. */
static const char *items(const char *list, char *buf, size_t len)
{
	struct label_item it;
	size_t pos = 0, n = 0;

	buf[0] = 0;
	while (label_next(list, &pos, &it) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%.*s=%.*s%s;",
				      (int)it.key_len, it.key,
				      (int)it.value_len, it.value,
				      label_first(list, &it) ? "" : "(2nd)");
	return buf;
}

int main(void)
{
	char buf[256];
	double v = 0;

	is_str(items(NULL, buf, sizeof(buf)), "", "NULL: no items");
	is_str(items("", buf, sizeof(buf)), "", "empty: no items");
	is_str(items("n=1000,build=a1", buf, sizeof(buf)), "n=1000;build=a1;",
	       "two items in order");
	is_str(items("a=,b==c", buf, sizeof(buf)), "a=;b==c;",
	       "empty value; a value may hold =");
	is_str(items(",x,=v,a=1,,b", buf, sizeof(buf)), "a=1;",
	       "items without = or with an empty key are skipped");
	is_str(items("n=1,m=2,n=3", buf, sizeof(buf)), "n=1;m=2;n=3(2nd);",
	       "a repeated key: the later item is shadowed");
	is_int(label_number("n=1000,m=x", "n", &v), 0, "a number");
	ok(v == 1000, "n is 1000 (%g)", v);
	is_int(label_number("n=2.5e3", "n", &v), 0, "an exponent");
	ok(v == 2500, "n is 2500 (%g)", v);
	is_int(label_number("n=1,n=2", "n", &v), 0, "repeated key");
	ok(v == 1, "the first value counts (%g)", v);
	is_int(label_number("n=1000,m=x", "m", &v), -2, "not a number");
	is_int(label_number("n=12ab", "n", &v), -2, "trailing junk");
	is_int(label_number("n=", "n", &v), -2, "empty value");
	is_int(label_number("n=inf", "n", &v), -2, "infinity");
	is_int(label_number("n=1", "nn", &v), -1, "no such key");
	is_int(label_number("nn=1", "n", &v), -1, "a longer key is another");
	is_int(label_number(NULL, "n", &v), -1, "no label");
	done_testing();
	return exit_status();
}
