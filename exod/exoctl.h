/*
 * exoctl.h - what exoctl's commands share: the rendering of the display
 * (screenshot.c), the live view of exod (view.c), and the commands that
 * live in files of their own (screenshot.c, web.c, top.c).
 */
#ifndef EXOCTL_H
#define EXOCTL_H

#include <stdio.h>

#include "exo.h"

#define SHOT_NEUTRAL	0x404040	/* an unbound tile in a screenshot */

/* A PNG in memory. */
struct shot_png {
	unsigned char	*buf;		/* malloc'd; len bytes of PNG */
	size_t		 len;
	size_t		 cap;
};

uint32_t shot_owner_colour(uint32_t);
int	 shot_render(const struct exo_display *, int, struct shot_png *);
void	 shot_png_free(struct shot_png *);

/* Everything a live view shows, fetched with STATUS-class requests. */
struct view {
	struct exo_status	 st;
	struct exo_slots	 slots;
	int			 have_display;	/* exod has one (-F) */
	struct exo_display_info	 display;
	struct exo_history	 hist;		/* the newest records */
};

int	 view_fetch(struct exo *, struct view *);
void	 view_free(struct view *);
struct json;
int	 view_json(FILE *, const struct view *);
void	 view_json_status(struct json *, const struct exo_status *);
void	 view_json_name(struct json *, const struct exo_status_peer *);
void	 view_json_cpu(struct json *, const struct exo_status_peer *);
void	 view_json_tlb(struct json *, const struct exo_status_peer *);
const char *view_state(uint32_t);
const char *view_res_name(uint32_t);

int	 exoctl_screenshot(struct exo *, int, char **);
int	 exoctl_web(struct exo *, int, char **);
int	 exoctl_top(struct exo *, int, char **);
int	 exoctl_net(struct exo *, int, char **);	/* exoctl-net.c */
int	 exoctl_check_capture(int, char **);
int	 exoctl_capture(struct exo *, int, char **);

#endif /* EXOCTL_H */
