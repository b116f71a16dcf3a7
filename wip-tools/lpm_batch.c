#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
struct key { __u32 plen; __u32 set; __u8 addr[4]; };
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
	int n=atoi(argv[1]), chunk=atoi(argv[2]);
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd=bpf_map_create(BPF_MAP_TYPE_LPM_TRIE,"t",sizeof(struct key),8,4*1024*1024,&o);
	if(fd<0){perror("create");return 1;}
	struct key *keys=calloc(n,sizeof *keys); __u64 *vals=calloc(n,8);
	srand(1);
	for(int i=0;i<n;i++){keys[i].plen=32+24;keys[i].set=htonl(3);__u32 a=(__u32)rand();memcpy(keys[i].addr,&a,4);keys[i].addr[3]=0;}
	double t0=now();
	for(int i=0;i<n;i+=chunk){__u32 c=(n-i<chunk)?n-i:chunk;
		if(bpf_map_update_batch(fd,keys+i,vals+i,&c,NULL)){printf("batch failed: %s\n",strerror(errno));return 1;}}
	double t1=now();
	printf("%d batch inserts (chunk %d): %.2f s (%.0f ns each)\n",n,chunk,t1-t0,(t1-t0)/n*1e9);
	t0=now();
	for(int i=0;i<n;i+=chunk){__u32 c=(n-i<chunk)?n-i:chunk; bpf_map_delete_batch(fd,keys+i,&c,NULL);}
	printf("delete: %.2f s\n", now()-t0);
	return 0;}
