// SPDX-License-Identifier: GPL-2.0-only
/* Hook names, in ip(8)'s vocabulary for XDP modes and tc(8)'s for directions. */
#include <stdbool.h>
#include <string.h>
#include <linux/if_link.h>

#include "tcctl.h"
#include "hook.h"

static const struct hook hooks[] = {
	{ HOOK_XDP, 0, 0, "xdp" },
	{ HOOK_XDP, XDP_FLAGS_DRV_MODE, 0, "xdpdrv" },
	{ HOOK_XDP, XDP_FLAGS_SKB_MODE, 0, "xdpgeneric" },
	{ HOOK_TC, 0, TC_DIR_INGRESS, "ingress" },
	{ HOOK_TC, 0, TC_DIR_EGRESS, "egress" },
};

int arg_hook(struct args *a, struct hook *h, bool with_modes)
{
	const char *name = arg_next(a);

	for (size_t i = 0; name && i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		if (strcmp(hooks[i].name, name) || (!with_modes && hooks[i].xdp_mode))
			continue;
		*h = hooks[i];
		return 0;
	}
	if (with_modes)
		return usage_err("expected a hook (xdp, xdpdrv, xdpgeneric, ingress, egress)%s%s",
				 name ? ", not " : "", name ? name : "");
	return usage_err("expected a hook (xdp, ingress, egress)%s%s", name ? ", not " : "",
			 name ? name : "");
}

const char *xdp_mode_name(uint8_t attached)
{
	switch (attached) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}
