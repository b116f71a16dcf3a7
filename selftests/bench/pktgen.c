// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench's packet tool: writes the test frames BPF_PROG_TEST_RUN is fed,
 * and blasts small UDP packets for a bounded time from one core.
 *
 *   pktgen frame { udp4 | tcp6 } FILE
 *	udp4: a 64-byte frame (FCS not included): Ethernet, IPv4, UDP to port
 *	      9 from port 4000, 22 bytes of payload.
 *	tcp6: a 74-byte frame: Ethernet, IPv6, a TCP SYN to port 80.
 *   pktgen udp ADDR PORT SECONDS
 *	sendmmsg() in batches of 64 on a connected UDP socket, 18-byte payload
 *	(a 64-byte frame on the wire with its FCS).
 *   pktgen packet IFNAME DSTMAC SRCIP DSTIP PORT SECONDS
 *	The same frame through an AF_PACKET socket with PACKET_QDISC_BYPASS:
 *	no UDP, IP or routing work in the sender.
 *
 * The senders print "sent N ns T": packets the kernel accepted and the time
 * it took. Errors a send may return (ECONNREFUSED after an ICMP port
 * unreachable, ENOBUFS) are counted apart and the loop goes on.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	      64
#define UDP_PAYLOAD   18 /* 14 + 20 + 8 + 18 + 4 (FCS) = 64 on the wire */
#define FRAME_PAYLOAD 22 /* 64 bytes handed to BPF_PROG_TEST_RUN */

static void die(const char *what)
{
	fprintf(stderr, "pktgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: pktgen frame { udp4 | tcp6 } FILE\n"
			"       pktgen udp ADDR PORT SECONDS\n"
			"       pktgen packet IFNAME DSTMAC SRCIP DSTIP PORT SECONDS\n");
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static const uint8_t dst_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t src_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

/* Ethernet + IPv4 + UDP; returns the frame length */
static size_t build_udp4(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac, struct in_addr src,
			 struct in_addr dst, uint16_t dport, size_t payload)
{
	struct ether_header *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	size_t l4len = sizeof(*udp) + payload;
	uint32_t sum;

	memcpy(eth->ether_dhost, dmac, ETH_ALEN);
	memcpy(eth->ether_shost, smac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = htons(csum_fold(csum_add(0, ip, sizeof(*ip))));
	udp->source = htons(4000);
	udp->dest = htons(dport);
	udp->len = htons(l4len);
	udp->check = 0;
	memset(udp + 1, 0xab, payload);
	sum = csum_add(0, &ip->saddr, 8) + IPPROTO_UDP + l4len;
	sum = csum_add(sum, udp, l4len);
	udp->check = htons(csum_fold(sum) ?: 0xffff);
	return sizeof(*eth) + sizeof(*ip) + l4len;
}

static size_t build_tcp6(uint8_t *buf)
{
	struct ether_header *eth = (void *)buf;
	struct ip6_hdr *ip6 = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip6 + 1);
	uint32_t sum;

	memcpy(eth->ether_dhost, dst_mac, ETH_ALEN);
	memcpy(eth->ether_shost, src_mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IPV6);
	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(sizeof(*tcp));
	ip6->ip6_nxt = IPPROTO_TCP;
	ip6->ip6_hlim = 64;
	inet_pton(AF_INET6, "fd00::1", &ip6->ip6_src);
	inet_pton(AF_INET6, "fd00::2", &ip6->ip6_dst);
	memset(tcp, 0, sizeof(*tcp));
	tcp->source = htons(40000);
	tcp->dest = htons(80);
	tcp->seq = htonl(1);
	tcp->doff = 5;
	tcp->syn = 1;
	tcp->window = htons(65535);
	sum = csum_add(0, &ip6->ip6_src, 32) + sizeof(*tcp) + IPPROTO_TCP;
	sum = csum_add(sum, tcp, sizeof(*tcp));
	tcp->check = htons(csum_fold(sum));
	return sizeof(*eth) + sizeof(*ip6) + sizeof(*tcp);
}

static int cmd_frame(int argc, char **argv)
{
	uint8_t buf[128];
	struct in_addr src, dst;
	size_t len;
	FILE *f;

	if (argc != 2)
		usage();
	if (!strcmp(argv[0], "udp4")) {
		inet_pton(AF_INET, "10.11.0.1", &src);
		inet_pton(AF_INET, "10.11.0.2", &dst);
		len = build_udp4(buf, dst_mac, src_mac, src, dst, 9, FRAME_PAYLOAD);
	} else if (!strcmp(argv[0], "tcp6")) {
		len = build_tcp6(buf);
	} else {
		usage();
	}
	f = fopen(argv[1], "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		die(argv[1]);
	return 0;
}

static double arg_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || v <= 0 || v > 600)
		usage();
	return v;
}

static void report(unsigned long long sent, unsigned long long errors, uint64_t ns)
{
	printf("sent %llu ns %llu errors %llu\n", sent, (unsigned long long)ns, errors);
}

static int cmd_udp(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char payload[UDP_PAYLOAD];
	unsigned long long sent = 0, errors = 0;
	uint64_t start, end, t;
	int fd;

	if (argc != 3)
		usage();
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1)
		usage();
	sin.sin_port = htons(atoi(argv[1]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect");
	memset(payload, 0xab, sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	end = start + (uint64_t)(arg_seconds(argv[2]) * 1e9);
	do {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += n;
		else
			errors++;
		t = now_ns();
	} while (t < end);
	report(sent, errors, t - start);
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != ETH_ALEN)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

static int cmd_packet(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned long long sent = 0, errors = 0;
	struct mmsghdr msgs[BATCH];
	struct in_addr src, dst;
	uint8_t frame[128], dmac[ETH_ALEN];
	uint64_t start, end, t;
	struct iovec iov;
	int fd, one = 1;

	if (argc != 6)
		usage();
	sll.sll_ifindex = if_nametoindex(argv[0]);
	if (!sll.sll_ifindex)
		die(argv[0]);
	if (parse_mac(argv[1], dmac) || inet_pton(AF_INET, argv[2], &src) != 1 ||
	    inet_pton(AF_INET, argv[3], &dst) != 1)
		usage();
	memcpy(sll.sll_addr, dmac, ETH_ALEN);
	iov.iov_base = frame;
	iov.iov_len = build_udp4(frame, dmac, src_mac, src, dst, atoi(argv[4]), UDP_PAYLOAD);
	fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: sends only, never receives */
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		die("PACKET_QDISC_BYPASS");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	end = start + (uint64_t)(arg_seconds(argv[5]) * 1e9);
	do {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += n;
		else
			errors++;
		t = now_ns();
	} while (t < end);
	report(sent, errors, t - start);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "frame"))
		return cmd_frame(argc - 2, argv + 2);
	if (!strcmp(argv[1], "udp"))
		return cmd_udp(argc - 2, argv + 2);
	if (!strcmp(argv[1], "packet"))
		return cmd_packet(argc - 2, argv + 2);
	usage();
	return 2;
}
