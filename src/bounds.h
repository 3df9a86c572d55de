/* Every size and count limit postern enforces, named once. */
#ifndef POSTERN_BOUNDS_H
#define POSTERN_BOUNDS_H

#define REPLY_LINE_MAX      2048        /* one server reply line; RFC 5321 4.5.3.1.5 says 512 */
#define REPLY_LINES_MAX     200         /* lines in one multi-line reply */
#define CMD_LINE_MAX        16384       /* one client command we build (OAuth2 tokens are long) */
#define CONN_READ_CHUNK     16384       /* bytes asked of the socket at once */
#define SPOOL_CHUNK         65536       /* bytes read from stdin at once */
#define BDAT_CHUNK          (1024 * 1024) /* one BDAT chunk (RFC 3030) */
#define BDAT_WINDOW         8           /* BDAT chunks in flight with PIPELINING */
#define FLIGHT_MAX          32          /* whole messages in flight in a batch (RFC 2920) */
#define FLIGHT_BYTES        (4 * 1024 * 1024) /* and their bytes, at most */
#define HEADER_SECTION_MAX  (1024 * 1024) /* whole header section kept in memory */
#define HEADER_FIELDS_MAX   2000        /* header fields in one message */
#define HEADER_LINE_MAX     998         /* octets in one line, CRLF apart (RFC 5322 2.1.1) */
#define ADDRS_MAX           1000        /* recipients of one message */
#define ADDR_MAX            512         /* one address, local@domain */
#define DSN_ENVID_MAX       100         /* DSN envelope ID before xtext (RFC 3461 section 4.4) */
#define CONFIG_LINE_MAX     1022        /* iniparser fails the whole load past this */
#define CONFIG_FILE_MAX     (256 * 1024)
#define ALIAS_FILE_MAX      (1024 * 1024)
#define ALIAS_DEPTH_MAX     8
#define ALIAS_LOOKUPS_MAX   1000        /* names looked up for one expansion */
#define PASSWORD_MAX        4096        /* output of password_command kept */
#define TOKEN_MAX           8192        /* one OAuth2 access or refresh token */
#define HTTP_RESPONSE_MAX   (64 * 1024) /* a token endpoint's answer */
#define MIME_DEPTH_MAX      32          /* nested multiparts the 7-bit downgrade walks into */
#define MIME_CHUNK          16384       /* body bytes the 7-bit downgrade reads at once */
#define MIME_BOUNDARY_MAX   200         /* RFC 2046 section 5.1.1 says 70; some senders pass it */
#define MIME_LINE_MAX       998         /* octets on a line, CRLF excluded (RFC 5322 2.1.1) */
#define ERR_MSG_MAX         1024
#define TIMEOUT_DEFAULT     60
#define TIMEOUT_MAX         3600

#endif
