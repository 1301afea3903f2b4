/*
 * exo.h - libexo, the library a library operating system links against
 * to reach exod.  Every function returns 0 (or a count) on success and a
 * negated EXO_E* code on failure; nothing is printed.  The error contract
 * of each function is in its section 3 manual page.
 */
#ifndef EXO_H
#define EXO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <exo_proto.h>

#ifdef __cplusplus
extern "C" {
#endif

struct exo;			/* a connection to exod; opaque */

/* A page frame bound to this libOS. */
struct exo_frame {
	struct exo_cap	cap;	/* the binding's key, as minted by exod */
	int		fd;	/* maps exactly this frame; -1 once freed */
	void		*va;	/* where it is mapped; NULL when unmapped */
};

/* Connection. */
int		 exo_socket_path(char *, size_t, const char *);
int		 exo_connect(const char *, const char *, struct exo **);
int		 exo_connect_control(const char *, struct exo **);
void		 exo_disconnect(struct exo *);
uint32_t	 exo_libos_id(const struct exo *);
uint32_t	 exo_frames_total(const struct exo *);
int		 exo_fd(const struct exo *);
int		 exo_null(struct exo *);

/* Frames. */
int		 exo_frame_alloc(struct exo *, struct exo_frame *);
int		 exo_frame_alloc_batch(struct exo *, struct exo_frame *, unsigned);
int		 exo_frame_free(struct exo *, struct exo_frame *);
int		 exo_frame_free_batch(struct exo *, struct exo_frame *, unsigned);
void		*exo_frame_map(struct exo_frame *, int);
int		 exo_frame_unmap(struct exo_frame *);

/* Capabilities. */
int		 exo_cap_check(struct exo *, const struct exo_cap *, unsigned);
int		 exo_cap_format(const struct exo_cap *, char *, size_t);

/* Status, for administration clients. */
struct exo_status {
	struct exo_status_reply	 totals;
	struct exo_status_peer	*peers;	/* totals.npeers records */
};
int		 exo_status(struct exo *, struct exo_status *);
void		 exo_status_free(struct exo_status *);

/* Raw messages, for tools and tests that speak the protocol directly. */
int		 exo_request(struct exo *, uint16_t, const void *, size_t,
		    void *, size_t, size_t *, int *, unsigned, unsigned *);

const char	*exo_strerror(int);

#ifdef __cplusplus
}
#endif

#endif /* EXO_H */
